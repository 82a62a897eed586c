from fastapi import APIRouter, HTTPException

from risk.engine import RuleEngine, UnknownRule

router = APIRouter(prefix="/risk")
engine = RuleEngine()


@router.get("/rules/{rule_name}/check")
def check_rule(rule_name: str, amount: float, country: str = "DE", hour: int = 12):
    try:
        hit = engine.matches(rule_name, {"amount": amount, "country": country, "hour": hour})
    except UnknownRule:
        raise HTTPException(status_code=404, detail="unknown rule")
    return {"rule": rule_name, "match": hit}
