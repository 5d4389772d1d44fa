"""Form widgets shared by the blueprints."""
from markupsafe import Markup, escape


class CheckboxList:
    """A list of checkboxes, each inside its label, so the whole row is one tappable target on a phone."""

    def __call__(self, field, **kwargs):
        kwargs.pop("class", None)
        kwargs.pop("class_", None)
        rows = [f'<li><label>{option()} {escape(option.label.text)}</label></li>' for option in field]
        return Markup(f'<ul class="choices" id="{escape(field.id)}">' + "".join(rows) + "</ul>")
