"""The applicant's organisations and consortia. Every view fetches through a selector that
checks the user may see the object (404 otherwise), parses with a form and calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.refusals import show_refusal

from . import selectors, services
from .forms import (
    ChooseOrganisationForm,
    ConsortiumForm,
    InviteForm,
    JoinRequestForm,
    JointActionForm,
    OrganisationForm,
    OwnershipLinkForm,
)
from .models import SmeSize


def _form_page(request, form, *, title, submit_label, intro="", cancel_url=""):
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": title, "submit_label": submit_label, "intro": intro, "cancel_url": cancel_url},
    )


def _check_answer(answer):
    if answer not in ("accept", "decline"):
        raise Http404


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_register(user=request.user, organisation=form.save(commit=False))
        messages.success(request, _("%(name)s is registered and you are its representative.") % {"name": organisation})
        return redirect("consortia:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        title=_("Register an organisation"),
        submit_label=_("Register"),
        intro=_("The company, association or public body you act for. You become its representative."),
    )


@login_required
def organisation_detail(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    return render(
        request,
        "consortia/organisation_detail.html",
        {
            "organisation": organisation,
            "size": SmeSize(services.sme_size(organisation)).in_sentence,
            "requests": [r for r in organisation.representations.all() if r.status == "requested"],
            "representatives": organisation.acting,
        },
    )


@login_required
def organisation_edit(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(by=request.user, organisation=form.save(commit=False))
        messages.success(request, _("The profile is saved."))
        return redirect("consortia:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": organisation},
        submit_label=_("Save"),
        cancel_url=reverse("consortia:organisation", kwargs={"pk": organisation.pk}),
    )


@login_required
def organisation_join(request):
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.representation_request(
            user=request.user, organisation=form.cleaned_data["organisation"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("Your request is sent: a representative of the organisation will answer it."))
        return redirect("my_portal")
    return _form_page(
        request,
        form,
        title=_("Act for a registered organisation"),
        submit_label=_("Send the request"),
        intro=_("Its current representatives (or the agency) will accept or decline your request."),
    )


@login_required
@require_POST
def representation_answer(request, pk, answer):
    _check_answer(answer)
    representation = selectors.representation_request_for(request.user, pk)
    services.representation_decide(by=request.user, representation=representation, accept=answer == "accept")
    messages.success(request, _("The request is answered."))
    return redirect("consortia:organisation", pk=representation.organisation_id)


@login_required
def ownership_link_add(request, pk):
    organisation = selectors.organisation_for(request.user, pk)
    form = OwnershipLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["organisation"]
        if other.pk == organisation.pk:
            form.add_error("tax_id", _("An organisation cannot hold a share of itself."))
        else:
            owner, owned = (organisation, other) if form.cleaned_data["direction"] == "holds" else (other, organisation)
            services.ownership_link_record(by=request.user, owner=owner, owned=owned, share=form.cleaned_data["share"])
            messages.success(request, _("The link is recorded; the SME size counts it."))
            return redirect("consortia:organisation", pk=organisation.pk)
    return _form_page(
        request,
        form,
        title=_("Partner or linked enterprise of %(name)s") % {"name": organisation},
        submit_label=_("Record"),
        intro=_(
            "Enterprises holding 25% or more of each other count for the SME size: partners (25% to 50%) pro rata, "
            "linked enterprises (over 50%) in full. The other enterprise must be registered on the portal."
        ),
        cancel_url=reverse("consortia:organisation", kwargs={"pk": organisation.pk}),
    )


@login_required
def consortium_create(request):
    organisations = selectors.organisations_of(request.user)
    if not organisations.exists():
        messages.info(request, _("Register your organisation first: it will lead the consortium."))
        return redirect("consortia:organisation_create")
    form = ConsortiumForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            consortium = services.consortium_create(
                user=request.user,
                lead=form.cleaned_data["lead"],
                consortium=form.save(commit=False),
                first_joint_action_on=form.cleaned_data["first_joint_action_on"],
                first_joint_action=form.cleaned_data["first_joint_action"],
            )
        except services.EvidenceRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The consortium is created. Invite its members."))
            return redirect("consortia:consortium", pk=consortium.pk)
    return _form_page(request, form, title=_("Create a consortium"), submit_label=_("Create"))


@login_required
def consortium_joint_action(request, pk):
    """Record the members' first joint promotion action (the evidence that ends the initiation stage)."""
    consortium = selectors.consortium_for(request.user, pk)
    if not services.can_record_joint_action(request.user, consortium):
        if services.can_manage_consortium(request.user, consortium):
            messages.info(request, _("Staff have checked the first joint action: ask the agency to correct it."))
        return redirect("consortia:consortium", pk=pk)
    initial = {
        "first_joint_action_on": consortium.first_joint_action_on,
        "first_joint_action": consortium.first_joint_action,
    }
    form = JointActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.consortium_joint_action_record(
                by=request.user,
                consortium=consortium,
                on=form.cleaned_data["first_joint_action_on"],
                description=form.cleaned_data["first_joint_action"],
            )
        except services.EvidenceRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The first joint action is recorded: the agency may check it."))
            return redirect("consortia:consortium", pk=pk)
    return _form_page(
        request,
        form,
        title=_("First joint promotion action of %(consortium)s") % {"consortium": consortium},
        intro=_(
            "A consortium is in the initiation stage until its members have promoted themselves abroad together. "
            "Record their first joint action: from its date the consortium's stage follows its age."
        ),
        submit_label=_("Record"),
        cancel_url=reverse("consortia:consortium", args=[pk]),
    )


@login_required
def consortium_invite(request, pk):
    consortium = selectors.consortium_for(request.user, pk)
    if not services.can_manage_consortium(request.user, consortium):
        return redirect("consortia:consortium", pk=pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.membership_invite(
            by=request.user,
            consortium=consortium,
            organisation=form.cleaned_data.get("organisation"),
            email=form.cleaned_data.get("email") or "",
        )
        messages.success(request, _("The invitation is sent. The membership counts once it is accepted."))
        return redirect("consortia:consortium", pk=pk)
    return _form_page(
        request,
        form,
        title=_("Invite a member to %(consortium)s") % {"consortium": consortium},
        submit_label=_("Invite"),
    )


@login_required
@require_POST
def membership_answer(request, pk, answer):
    _check_answer(answer)
    membership = selectors.membership_for_representative(request.user, pk)
    services.membership_answer(by=request.user, membership=membership, accept=answer == "accept")
    if answer == "accept":
        messages.success(
            request,
            _("%(organisation)s is now a member of %(consortium)s.")
            % {
                "organisation": membership.organisation,
                "consortium": membership.consortium,
            },
        )
        return redirect("consortia:consortium", pk=membership.consortium_id)
    messages.info(request, _("The invitation is declined."))
    return redirect("my_portal")


@login_required
@require_POST
def membership_leave(request, pk):
    membership = selectors.membership_for_representative(request.user, pk)
    services.membership_leave(by=request.user, membership=membership)
    messages.info(
        request,
        _("%(organisation)s has left %(consortium)s.")
        % {
            "organisation": membership.organisation,
            "consortium": membership.consortium,
        },
    )
    return redirect("my_portal")


@login_required
def invitation_accept(request, token):
    invitation = selectors.invitation_by_token(token)
    organisations = selectors.organisations_of(request.user)
    if not organisations.exists():
        messages.info(request, _("Register your organisation first, then open the invitation link again."))
        return redirect("consortia:organisation_create")
    form = ChooseOrganisationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(
            user=request.user, invitation=invitation, organisation=form.cleaned_data["organisation"]
        )
        messages.success(request, _("You joined %(consortium)s.") % {"consortium": invitation.consortium})
        return redirect("consortia:consortium", pk=invitation.consortium_id)
    return _form_page(
        request,
        form,
        title=_("Join %(consortium)s") % {"consortium": invitation.consortium},
        submit_label=_("Join"),
    )
