"""The label and guide-field forms. Choices are filled by the view; rules are checked by the
label and guide services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from rosa.guides import FieldKind
from rosa.levels import RosaLevel

GROUPS_DEPARTMENT = _l("— the group's department —")


class LabelForm(FlaskForm):
    """The label's values; every rule about them is rosa.label_rules.check_label (through the
    label service), the same one the taxonomy import applies, so no length or number checks
    here that could disagree with it."""

    function = StringField(_l("Function"))
    case_type = StringField(_l("Case type"))
    name = StringField(_l("Label"))
    # validate_choice=False: a value outside the choices is the label rules' to refuse.
    rosa_level = SelectField(_l("ROSA level"), choices=[], validate_choice=False)
    department_id = SelectField(_l("Owning department"), coerce=str, choices=[],
                                validate_choice=False)
    group_id = SelectField(_l("Receiving group"), coerce=str, choices=[], validate_choice=False)
    mandate = BooleanField(_l("The contact centre holds the mandate (levels 3–4)"))
    action = BooleanField(_l("Action label: the contact centre answers, and the case also goes "
                             "to the group for an action"))
    urgent = BooleanField(_l("Urgent"))
    avoidable = BooleanField(_l("Avoidable demand (should never have arisen)"))
    signal_words = TextAreaField(_l("Signal words"))
    description = TextAreaField(_l("Description"))
    feedback_working_days = StringField(_l("Feedback deadline in working days"))
    feedback_working_hours = StringField(_l("… or in working hours (urgent labels)"))

    def fill_choices(self, departments, translate) -> None:
        self.rosa_level.choices = [
            (str(level.value), f"{level.value} – {translate(level.title)}") for level in RosaLevel
        ]
        self.department_id.choices = [("", str(GROUPS_DEPARTMENT))] + [
            (str(d.id), d.name) for d in departments]
        self.group_id.choices = [("", "—")] + [
            (str(g.id), f"{d.name} › {g.name}") for d in departments for g in d.groups
        ]


class GuideFieldForm(FlaskForm):
    """One guide field; the rules (key format, alternatives for choices …) are the guide
    service's, so the taxonomy import and this form cannot disagree."""

    title = StringField(_l("Question or title"), validators=[Length(max=200)])
    key = StringField(_l("Key"), validators=[Length(max=60)])
    kind = SelectField(_l("Kind of answer"), choices=[], validators=[Optional()])
    required = BooleanField(_l("Required before the case can be forwarded"))
    help_text = TextAreaField(_l("Help for the agent"), validators=[Length(max=1000)])
    choices = TextAreaField(_l("Alternatives (Choice only)"), validators=[Length(max=12000)])

    def fill_choices(self, translate) -> None:
        self.kind.choices = [(kind.value, translate(kind.title)) for kind in FieldKind]
