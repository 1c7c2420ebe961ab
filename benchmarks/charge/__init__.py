"""Test de charge (`make charge`, issue 15) : gunicorn comme en production, un worker, Locust sans tête.

- `donnees.py` : la base `coville_charge` à l'échelle nationale, générée une fois et réutilisée tant que le
  code des générateurs n'a pas changé (empreinte gardée dans la base) ;
- `catalogue.py` : les adresses de chaque parcours, choisies dans la base, et les sessions des comptes ;
- `parcours.py` : les utilisateurs Locust (`FastHttpUser`) qui suivent ces parcours ;
- `chiffres.py` : requêtes par seconde, médiane, p95 et p99 par parcours depuis les statistiques de Locust,
  écrits dans `var/charge.json` au format de `var/bench.json` ;
- `locust_sans_tete.py` : Locust en bibliothèque, sans tête, qui écrit ses statistiques ;
- `run.py` : l'enchaînement (données, serveurs, PDF préparés, charge, chiffres, arrêt).
"""
