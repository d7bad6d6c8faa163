"""The places a call can be in; `hotline.flow.NODES` names them."""
