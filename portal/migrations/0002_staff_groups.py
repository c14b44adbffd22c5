"""The staff roles as groups with their permissions (kept in sync after every migrate by portal.apps)."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from portal.roles import ROLE_PERMISSIONS

    # Permissions are normally created after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for action, entries in actions.items():
            for app_label, models in entries:
                for model in models:
                    permission = Permission.objects.filter(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    ).first()
                    if permission is not None:
                        group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    from portal.roles import ROLE_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("applications", "0004_review_and_audit"),
        ("programmes", "0003_review_and_audit"),
        ("consortia", "0003_representatives_and_invitations"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
