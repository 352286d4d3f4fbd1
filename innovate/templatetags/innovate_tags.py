from django import template

register = template.Library()


@register.filter
def person(user, empty="–"):
    """A person's name as the product shows it: full name, else username."""
    if user is None or user == "":
        return empty
    return user.get_full_name() or user.get_username()
