from django import template
from django.utils import timezone

from assessments.queries.sessions import your_open_actions
from innovate.access import visible_innovations

register = template.Library()


@register.inclusion_tag("sessions/_your_actions.html", takes_context=True)
def your_actions(context):
    """The signed-in person's open actions in the organisation they are working in. One
    query."""
    request = context.get("request")
    membership = context.get("current_membership")
    if request is None or membership is None or not request.user.is_authenticated:
        return {"actions": []}
    return {
        "actions": your_open_actions(
            request.user, membership.organisation_id, innovations=visible_innovations(membership)
        ),
        "today": timezone.localdate(),
    }
