"""Outbound mail: compose messages from templates, queue them, deliver them."""
