"""ARM deployments: routes.py (HTTP), model.py (the deployment resource), template.py (the template language)."""
