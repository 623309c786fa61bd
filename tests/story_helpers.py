"""A complete, well-told story shared by the story-bank tests."""

from __future__ import annotations

from mockint.stories import Story

READY = Story(
    id="checkout-rewrite",
    title="Rewrote the checkout service before the holiday peak",
    company="Acme Retail",
    timeframe="2022",
    themes=("technical leadership", "shipping under pressure"),
    principles=("Deliver Results", "Dive Deep"),
    situation="Checkout timed out under load every evening. Peak season was eight weeks away.",
    task="I owned the checkout service and had to make it survive peak traffic.",
    actions=(
        "I profiled the slowest requests and found a lock held across a network call.",
        "I proposed splitting the payment call out of the transaction and wrote the design.",
        "I paired with two engineers on the change and ran load tests every night.",
    ),
    result="Timeouts fell from 3% of orders to 0.1%, and peak day handled 4x normal traffic.",
    lesson="Measure before redesigning: the fix was smaller than the rewrite everyone expected.",
    follow_ups=("Why not scale the database instead?", "What would you do with more time?"),
)
