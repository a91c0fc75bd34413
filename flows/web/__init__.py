"""The triage web app (rifwatch serve): routes, login, pages and templates."""
