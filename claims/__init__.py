"""The domain core: models, claim codes, redemption, issuing, Open Badges and the delivery outbox."""
