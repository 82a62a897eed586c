from fastapi import APIRouter, Body

from risk.engine import RuleEngine

router = APIRouter(prefix="/risk")
engine = RuleEngine()


@router.post("/rules/test")
def test_rule(
    expression: str = Body(...),
    amount: float = Body(...),
    country: str = Body("DE"),
):
    txn = {"amount": amount, "country": country}
    return {"match": engine.matches(expression, txn)}
