"""The call flow as data: node name → the node that asks and answers there."""

from __future__ import annotations

from hotline.call import Node
from hotline.nodes.agent import AfterQueue, Agent, Goodbye, Message
from hotline.nodes.bills import BillList, BillPaid, Bills, Pay
from hotline.nodes.form import Confirm, FieldNode
from hotline.nodes.identity import Verify
from hotline.nodes.menu import Categories, Main, ServiceIntro, Services
from hotline.nodes.photo import PhotoNode
from hotline.nodes.review import Review, Submitted
from hotline.nodes.status import Status, StatusResult


def nodes() -> dict[str, Node]:
    """A fresh registry of every node (extend it to add a place to the flow)."""
    return {
        "main": Main(),
        "categories": Categories(),
        "services": Services(),
        "service": ServiceIntro(),
        "field": FieldNode(),
        "confirm": Confirm(),
        "photo": PhotoNode(),
        "review": Review(),
        "submitted": Submitted(),
        "verify": Verify(),
        "status": Status(),
        "status_result": StatusResult(),
        "agent": Agent(),
        "after_queue": AfterQueue(),
        "message": Message(),
        "goodbye": Goodbye(),
        "bills": Bills(),
        "bill_list": BillList(),
        "pay": Pay(),
        "bill_paid": BillPaid(),
    }
