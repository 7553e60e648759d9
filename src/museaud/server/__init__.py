"""The museaud sync server: HTTP (Starlette on uvicorn) in front of PostgreSQL 15.

Stateless: every request takes a pooled connection, does its work in one transaction and keeps
nothing in memory, so several servers can run behind a load balancer on one database. The
protocol is docs/sync.md; schema and row-level security are in `schema.py`.
"""
