from django import template

register = template.Library()


@register.filter
def person(user, empty="–"):
    """A person's name as the product shows it: full name, else username, marked "(guest)"
    for a guest of the organisation (innovate.access.name_of)."""
    from innovate.access import name_of

    return name_of(user, empty)
