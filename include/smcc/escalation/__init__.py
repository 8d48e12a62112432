"""Ticket escalation, pure part: routing rules, Vietnamese e-mail rendering, signed action links.

The database side (tickets, events, outbox, SMTP delivery) calls into these modules; nothing
here touches a database or the network.
"""
