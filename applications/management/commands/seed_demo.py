"""Load the demo data: see applications.demo.seed. Idempotent; refused under production settings."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applications.demo import data as demo_data
from applications.demo.seed import demo_seed
from applications.models import Application
from consortia.models import Consortium, Organisation
from programmes.models import Agency, Call, Programme


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refused under production settings."

    def handle(self, *args, **options):
        if getattr(settings, "PORTAL_ENVIRONMENT", "") == "production":
            raise CommandError("seed_demo is refused under production settings: it creates users with known passwords.")
        seeded = demo_seed(today=timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Agency.objects.count()} agencies, {Programme.objects.count()} programmes, "
                f"{Call.objects.count()} calls, {Organisation.objects.count()} organisations, "
                f"{Consortium.objects.count()} consortia, {Application.objects.count()} applications "
                f"({seeded.created} new)."
            )
        )
        self.stdout.write(f"Demo users (password for all: {demo_data.DEMO_PASSWORD}):")
        for email, _name, role, _agency, _language in demo_data.USERS:
            self.stdout.write(f"  {role:<10} {email}")
        if seeded.invited:
            self.stdout.write(f"  Consortium formation: {seeded.invited} has an invitation to answer in My portal.")
