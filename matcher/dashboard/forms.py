"""The staff form for the season's subsidy budget."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, Optional

from matcher.web.forms import MatcherForm
from matcher.web.validators import NumberRange


class BudgetForm(MatcherForm):
    """The subsidy budget for the season in whole kroner (empty: no budget set)."""

    season_budget = IntegerField(
        _l("Season budget for subsidies (DKK)"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000_000)],
    )
    version = HiddenField(validators=[InputRequired()])
