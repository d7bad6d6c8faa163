"""The unified hotline: Twilio voice IVR and SMS over the portal's catalog (see README.md).

The portal mounts it with `hotline.webhooks:init_app`.
"""
