"""The models of growth's domain packages (teams, share cards, shop metrics).

They were first part of the ``academy`` app: each keeps its ``academy_…`` table
(``Meta.db_table``), so moving them changed no table and no row.
"""

from growth.metrics.models import ShopMetricImport, ShopMonth
from growth.sharecards.models import Referral, ReferralCode, ReferralVisit
from growth.teams.models import Nudge, PlanAssignment, PlanItem, PlanItemKind, TrainingPlan

__all__ = [
    "Nudge",
    "PlanAssignment",
    "PlanItem",
    "PlanItemKind",
    "Referral",
    "ReferralCode",
    "ReferralVisit",
    "ShopMetricImport",
    "ShopMonth",
    "TrainingPlan",
]
