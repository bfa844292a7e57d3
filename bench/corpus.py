"""Deterministic corpus of French postmortems for the benchmark, as pmgen, MkDocs or Hugo sites.

    python bench/corpus.py OUT_DIR N                  # OUT_DIR/postmortems/*.md + pmgen.toml
    python bench/corpus.py --format mkdocs OUT_DIR N  # OUT_DIR/mkdocs.yml + OUT_DIR/docs/
    python bench/corpus.py --format hugo OUT_DIR N    # OUT_DIR/hugo.toml + content/ + layouts/

Postmortem number i depends only on the seed and i, so a corpus of 100 is the first 100 files
of a corpus of 1,000, and `generate(n + 1)[-1]` is a fresh postmortem to add to a corpus of n.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

# Bump when the output changes: bench/run.py keys its corpus cache on it.
GENERATOR_VERSION = 2
SEED = 20210922
MIN_BYTES, MODE_BYTES, MAX_BYTES = 3400, 4600, 5900
FIRST_DAY, LAST_DAY = dt.date(2019, 1, 7), dt.date(2026, 6, 30)
CHART_SHARE = 0.2

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
FIRST_NAMES = (
    "Julien",
    "Camille",
    "Nadia",
    "Thomas",
    "Léa",
    "Karim",
    "Sophie",
    "Mathieu",
    "Inès",
    "Antoine",
    "Claire",
    "Yanis",
    "Élodie",
    "Hugo",
    "Manon",
    "Romain",
    "Sarah",
    "Bastien",
    "Amina",
    "Lucas",
    "Pauline",
    "Olivier",
    "Chloé",
    "Mehdi",
)
LAST_NAMES = (
    "Marchand",
    "Roux",
    "Benali",
    "Lefèvre",
    "Girard",
    "Moreau",
    "Fontaine",
    "Garnier",
    "Chevalier",
    "Lambert",
    "Bonnet",
    "Mercier",
    "Haddad",
    "Perrin",
    "Morel",
    "Fournier",
    "Blanc",
    "Guérin",
    "Nguyen",
    "Dupuis",
)
SERVICES = (
    "api",
    "web",
    "paiement",
    "facturation",
    "authentification",
    "recherche",
    "notifications",
    "mailer",
    "base-de-donnees",
    "cache-redis",
    "file-rabbitmq",
    "stockage-objets",
    "cdn",
    "dns",
    "kubernetes",
    "integration-continue",
    "supervision",
    "export-comptable",
    "application-mobile",
    "back-office",
    "catalogue",
    "panier",
    "commandes",
    "livraison",
    "messagerie",
    "annuaire",
    "vpn",
    "sauvegardes",
    "entrepot-de-donnees",
    "tarification",
    "recommandations",
    "webhooks",
    "passerelle-api",
    "sso",
    "agenda",
    "support",
)
TOOLS = ("Grafana", "Prometheus", "Sentry", "PagerDuty", "Alertmanager", "Kibana", "Loki")
TEAMS = (
    "l'équipe plateforme",
    "l'équipe paiement",
    "le support",
    "l'équipe données",
    "l'équipe mobile",
    "l'équipe sécurité",
    "l'équipe produit",
)
GENERIC_TAGS = ("astreinte", "supervision", "capacite", "configuration", "processus")


@dataclass(frozen=True, slots=True)
class Kind:
    """One family of incident: how it shows, why it happens, how it was fixed."""

    tags: tuple[str, ...]
    titles: tuple[str, ...]
    symptom: str
    cause: str
    fix: str
    error: str
    metric: tuple[str, str, str]  # CSV column prefix, unit, label
    guess: str


KINDS = (
    Kind(
        ("performance", "memoire"),
        ("Saturation mémoire des instances {service}", "Lenteurs puis panne de {service}"),
        "les pages de {service} mettaient plusieurs secondes à répondre, puis échouaient",
        "la mémoire des instances {service} était saturée et elles swappaient",
        "le passage des instances {service} à une taille supérieure",
        "OOMKilled",
        ("latence", "ms", "Temps de réponse"),
        "un pic de trafic inhabituel",
    ),
    Kind(
        ("tls", "certificats"),
        ("Certificat TLS expiré sur {service}", "Connexions refusées par {service}"),
        "les clients de {service} refusaient la négociation TLS",
        "le certificat de {service}, installé à la main, avait expiré",
        "l'émission d'un nouveau certificat géré par cert-manager",
        "certificate has expired",
        ("echecs", "%", "Part des appels en échec"),
        "une panne du répartiteur de charge",
    ),
    Kind(
        ("base-de-donnees", "performance"),
        ("Pool de connexions saturé sur {service}", "Erreurs 500 sur {service}"),
        "{service} renvoyait des erreurs 500 sur une requête sur trois",
        "les connexions à la base de {service} étaient toutes occupées",
        "l'ajout de PgBouncer devant la base de {service}",
        "too many connections",
        ("connexions", "", "Connexions ouvertes"),
        "une requête lente isolée",
    ),
    Kind(
        ("deploiement", "regression"),
        ("Régression après le déploiement de {service}", "Mise en production ratée de {service}"),
        "une partie des utilisateurs de {service} voyait une page d'erreur",
        "la version déployée de {service} lisait un champ absent des anciennes données",
        "le retour à la version précédente de {service}",
        "KeyError: 'region'",
        ("erreurs", "", "Erreurs par minute"),
        "un problème de cache navigateur",
    ),
    Kind(
        ("file-d-attente", "email"),
        ("Retard de la file de {service}", "Messages de {service} envoyés en retard"),
        "les messages de {service} partaient avec plusieurs heures de retard",
        "un envoi massif occupait la file partagée par {service}",
        "le déplacement des envois massifs vers une file séparée",
        "HTTP 429 Too Many Requests",
        ("profondeur", "", "Messages en attente"),
        "un ralentissement du fournisseur d'envoi",
    ),
    Kind(
        ("stockage", "disque"),
        ("Disque plein sur les serveurs {service}", "Écritures bloquées sur {service}"),
        "les écritures de {service} échouaient les unes après les autres",
        "les journaux de {service} avaient rempli le disque",
        "la rotation des journaux et l'agrandissement du volume de {service}",
        "No space left on device",
        ("disque", "%", "Occupation du disque"),
        "une corruption du système de fichiers",
    ),
    Kind(
        ("dns", "reseau"),
        (
            "Erreur de configuration DNS sur {service}",
            "{service} injoignable après un changement DNS",
        ),
        "le nom de {service} ne se résolvait plus pour une partie des clients",
        "un enregistrement DNS de {service} pointait vers une adresse retirée",
        "la correction de l'enregistrement et la baisse de son TTL",
        "SERVFAIL",
        ("resolutions", "%", "Résolutions en échec"),
        "une panne chez l'hébergeur",
    ),
    Kind(
        ("fournisseur", "paiement"),
        ("Panne du fournisseur de {service}", "Indisponibilité externe de {service}"),
        "les appels de {service} vers le fournisseur expiraient",
        "le fournisseur de {service} était indisponible dans une de ses régions",
        "le basculement de {service} vers la région de secours du fournisseur",
        "context deadline exceeded",
        ("expirations", "", "Appels expirés par minute"),
        "une erreur de notre pare-feu",
    ),
    Kind(
        ("base-de-donnees", "migration"),
        ("Migration bloquante sur {service}", "Verrou de base de données sur {service}"),
        "les requêtes d'écriture de {service} restaient bloquées",
        "une migration de schéma de {service} tenait un verrou sur une grande table",
        "l'arrêt de la migration et sa relance en plusieurs étapes",
        "lock wait timeout exceeded",
        ("attente", "ms", "Attente des verrous"),
        "une saturation du processeur de la base",
    ),
    Kind(
        ("cache", "performance"),
        ("Tempête de cache sur {service}", "Effondrement du cache de {service}"),
        "la base de {service} recevait dix fois plus de requêtes qu'à l'ordinaire",
        "toutes les clés du cache de {service} avaient expiré en même temps",
        "l'étalement des durées de vie des clés du cache de {service}",
        "HTTP 503 Service Unavailable",
        ("requetes", "", "Requêtes par seconde sur la base"),
        "une attaque par déni de service",
    ),
    Kind(
        ("planification", "donnees"),
        ("Tâche planifiée exécutée deux fois sur {service}", "Doublons créés par {service}"),
        "des clients de {service} recevaient deux fois le même document",
        "la tâche planifiée de {service} tournait sur deux nœuds à la fois",
        "un verrou distribué autour de la tâche planifiée de {service}",
        "duplicate key value violates unique constraint",
        ("doublons", "", "Doublons créés"),
        "un bogue de l'horloge des serveurs",
    ),
    Kind(
        ("reseau", "kubernetes"),
        ("Perte d'une zone réseau pour {service}", "Coupure partielle de {service}"),
        "un tiers des requêtes vers {service} échouait",
        "une zone entière du cluster qui héberge {service} avait perdu le réseau",
        "le retrait de la zone défaillante du répartiteur de charge",
        "connection reset by peer",
        ("paquets", "%", "Paquets perdus"),
        "une mise à jour du maillage de services",
    ),
)

SUMMARIES = (
    "Le {when}, {symptom} de {start} à {mitigated}. {Cause} ; {fix} a rétabli le service.",
    "Le {when}, entre {start} et {mitigated}, {symptom}. La cause : {cause}. {Fix} a mis fin "
    "à l'incident.",
    "Le {when} à partir de {start}, {symptom}. Nous avons compris à {detected} que {cause} ; "
    "{fix} a réglé le problème à {mitigated}.",
)
CONTEXT = (
    "{service_cap} sert environ {big} requêtes par jour et tourne sur {n} instances. {team_cap} "
    "en assure l'exploitation, avec une astreinte partagée entre {small} personnes.",
    "Depuis {month_before}, la charge de {service} augmente régulièrement : la médiane des temps "
    "de réponse est passée de {ms} ms à plus de {ms} ms aux heures de bureau.",
    "{service_cap} dépend de {other} pour une partie de ses réponses. Les deux services sont "
    "déployés indépendamment, plusieurs fois par semaine, par {team}.",
    "Les alertes de {service} passent par {tool}. Seules celles marquées critiques réveillent "
    "l'astreinte ; les autres ouvrent un ticket traité le jour ouvré suivant.",
    "La dernière revue de capacité de {service} date de {month_before}. Elle prévoyait une marge "
    "de {pct} % jusqu'à la fin de l'année, sans compter les campagnes commerciales.",
    "Une série d'optimisations de {service} (requêtes en trop, mise en cache des listes) était "
    "en préparation depuis plusieurs semaines, sans date de mise en production.",
    "La configuration de {service} est décrite dans le dépôt d'infrastructure et appliquée par "
    "la chaîne de déploiement ; quelques réglages anciens restent toutefois faits à la main.",
    "{service_cap} a été migré vers le cluster actuel il y a {small} mois. La documentation "
    "d'exploitation n'avait pas encore été relue depuis.",
)
IMPACT = (
    "Environ {big} utilisateurs ont vu un message d'erreur en utilisant {service}.",
    "{small} partenaires intégrés par API ont reçu des erreurs `{error}` ; deux ont rejoué leurs "
    "envois dans l'après-midi.",
    "Le support a reçu {n} tickets, traités en moyenne en {min} minutes.",
    "Aucune donnée perdue : les requêtes refusées n'ont jamais atteint nos serveurs.",
    "Les tableaux de bord de {other} sont restés vides pendant {min} minutes.",
    "Près de {pct} % des commandes de la période ont été retardées, sans être annulées.",
)
LESSONS = (
    "Nous avons d'abord soupçonné {guess} pendant {min} minutes, parce que c'était la cause du "
    "dernier incident comparable. Les graphiques de {tool} montraient pourtant la bonne piste "
    "dès le début.",
    "L'alerte existait, mais au mauvais endroit : elle arrivait dans un canal que personne ne "
    "suit en astreinte. Nous avons perdu {min} minutes à attendre un appel du support.",
    "Ce qui a bien marché : le canal d'incident ouvert dès le premier signalement, et la "
    "décision rapide de {fix} plutôt que de chercher une correction parfaite.",
    "Personne ne savait qui devait décider d'un retour arrière sur {service}. La question a été "
    "réglée en quelques minutes, mais elle aurait dû l'être avant l'incident.",
    "La documentation d'exploitation de {service} décrivait une architecture qui n'existe plus. "
    "{person} a dû retrouver la bonne procédure dans l'historique des tickets.",
    "Notre supervision regardait l'intérieur du système. Aucune sonde ne contactait {service} "
    "comme le font nos utilisateurs, depuis l'extérieur.",
    "Le retour à la normale a été plus lent que le diagnostic : {fix} demandait des droits que "
    "seules {small} personnes avaient, et l'une d'elles était en congé.",
    "Une fois l'astreinte prévenue, le diagnostic a pris {min} minutes. Les journaux structurés "
    "de {service}, mis en place l'an dernier, ont fait gagner beaucoup de temps.",
)
FACTORS = (
    "**Une limite connue mais jamais calculée.** {Cause} ; personne n'avait rapproché ce chiffre "
    "de la charge réelle de {service}.",
    "**Une alerte sans destinataire.** {tool} a détecté le problème à {detected}, mais dans un "
    "canal que l'astreinte ne suit pas.",
    "**Un réglage fait à la main.** La configuration de {service} différait de celle du dépôt "
    "depuis une intervention d'urgence, {small} mois plus tôt.",
    "**Une dépendance cachée.** {service_cap} appelait {other} à chaque requête, ce qui n'était "
    "écrit nulle part et a allongé le diagnostic.",
    "**Un test qui ne couvrait pas le cas.** Les données de test de {service} ne contenaient "
    "aucun enregistrement antérieur à la dernière migration.",
    "**Une procédure de retour arrière trop lente.** Revenir à la version précédente de "
    "{service} prend {min} minutes, dont la plupart à reconstruire des images.",
)
ANALYSIS = (
    "Deux limites ont été atteintes en même temps : celle de {service} et celle de {other}. "
    "Chacune, seule, aurait ralenti le service sans l'arrêter.",
    "Le vrai gain est venu de {fix} : la médiane est passée d'environ {ms} ms à {ms} ms, en "
    "quelques minutes et à charge comparable.",
    "Les journaux de {host} montrent la première erreur `{error}` à {start}, soit {min} minutes "
    "avant la première alerte. Le délai vient du seuil de l'alerte, réglé sur {pct} % "
    "d'échecs pendant cinq minutes.",
    "Redémarrer les instances de {service} a masqué le problème sans le régler : la même "
    "situation est revenue au bout de {min} minutes à chaque fois.",
)
TIMELINE = {
    "start": (
        "Premières erreurs `{error}` dans les journaux de {service}.",
        "Déploiement de la version {version} de {service}.",
        "Le trafic de {service} augmente de {pct} % en quelques minutes.",
    ),
    "detect": (
        "{tool} déclenche une alerte sur {service} ; {person} est d'astreinte.",
        "Le support transmet {n} signalements d'utilisateurs. {person} ouvre un canal d'incident.",
        "Un partenaire appelle le support : tous ses appels vers {service} échouent.",
    ),
    "search": (
        "{person} prévient {team} et ouvre le ticket {ticket}.",
        "Les journaux de {host} montrent des erreurs `{error}` en rafale.",
        "Première hypothèse : {guess}. Elle est écartée au bout de quelques minutes.",
        "Redémarrage de {host}, sans effet durable.",
        "Les graphiques de {tool} montrent que seul {service} est touché, pas {other}.",
        "{person} rejoint l'incident et reprend la coordination.",
    ),
    "found": (
        "{person} confirme la cause : {cause}.",
        "Décision : {fix}, plutôt qu'une correction plus longue à préparer.",
    ),
    "mitigate": (
        "{Fix} est en place ; les erreurs disparaissent.",
        "Les temps de réponse de {service} reviennent à la normale.",
    ),
    "after": (
        "Message aux utilisateurs concernés, avec l'heure de début et de fin de l'interruption.",
        "Point de suivi avec {team} ; la surveillance renforcée continue.",
        "Vérification des données écrites pendant l'incident : aucune incohérence.",
    ),
    "resolve": ("Déploiement du correctif définitif sur {service}.", "Clôture de l'incident."),
}
ACTIONS = (
    "Ajouter une sonde externe sur {service}, qui alerte l'astreinte",
    "Router les alertes de {tool} vers l'astreinte au-delà de {pct} % d'échecs",
    "Documenter la procédure de retour arrière de {service}",
    "Calculer la capacité maximale de {service} et l'inscrire dans la revue trimestrielle",
    "Remettre la configuration de {service} en accord avec le dépôt d'infrastructure",
    "Ajouter un test de charge de {service} à la chaîne de déploiement",
    "Séparer les files de {service} et de {other}",
    "Inventorier les réglages faits à la main sur {service}",
    "Ajouter les données antérieures à la migration aux jeux de test de {service}",
    "Réduire le temps de retour arrière de {service} sous cinq minutes",
)
CODE_BLOCKS = (
    (
        "text",
        "{stamp} ERROR [{host}] {error}\n{stamp} ERROR [{host}] {error}\n"
        "{stamp} WARN  [{host}] retry {small}/5 after {ms} ms\n{stamp} ERROR [{host}] {error}",
    ),
    (
        "console",
        "$ kubectl -n {service} get pods\nNAME                 READY   STATUS      RESTARTS\n"
        "{service}-{n}-a1b2c   0/1     CrashLoop   {small}\n{service}-{n}-d3e4f   1/1     Running"
        "     0",
    ),
    (
        "yaml",
        "{service}:\n  replicas: {small}\n  resources:\n    limits:\n      memory: {n}00Mi\n"
        "  timeout_ms: {n}00",
    ),
    (
        "sql",
        "SELECT state, count(*)\n  FROM pg_stat_activity\n WHERE datname = '{service}'\n"
        " GROUP BY state;",
    ),
)


class Slots(dict[str, str]):
    """Template values: fixed ones per postmortem, fresh random ones for numbers and names."""

    def __init__(self, rng: Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        fresh: dict[str, Callable[[], str]] = {
            "n": lambda: str(rng.randint(4, 40)),
            "small": lambda: str(rng.randint(2, 6)),
            "big": lambda: f"{rng.randint(2, 900) * 100:,}".replace(",", "\u202f"),
            "pct": lambda: str(rng.randint(3, 95)),
            "ms": lambda: f"{rng.randint(12, 900) * 10:,}".replace(",", "\u202f"),
            "min": lambda: str(rng.randint(4, 55)),
            "version": lambda: f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}",
            "ticket": lambda: f"INC-{rng.randint(1000, 99999)}",
            "host": lambda: f"{self['service']}-{rng.randint(1, 24):02d}",
            "tool": lambda: rng.choice(TOOLS),
            "team": lambda: rng.choice(TEAMS),
            "person": lambda: rng.choice(self["people"].split(",")),
            "stamp": lambda: (
                f"{self['day']}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
                f"{rng.randint(0, 59):02d}Z"
            ),
        }
        if key in fresh:
            return fresh[key]()
        if key.endswith("_cap") or key[:1].isupper():
            base = self[key.removesuffix("_cap").lower()]
            return base[:1].upper() + base[1:]
        raise KeyError(key)

    def fill(self, template: str) -> str:
        """The template with its slots filled."""
        return template.format_map(self)


@dataclass(frozen=True, slots=True)
class Postmortem:
    """One generated postmortem: its file name, front matter, body and files written beside it."""

    name: str
    title: str
    date: dt.date
    front_matter: tuple[tuple[str, str], ...]  # key, YAML value as written
    summary: str
    body: str  # everything after `<!-- more -->`
    assets: tuple[tuple[str, str], ...]  # path relative to the .md file, text

    @property
    def markdown(self) -> str:
        """The file as pmgen reads it."""
        return (
            render_front_matter(self.front_matter)
            + f"\n{self.summary}\n\n<!-- more -->\n{self.body}"
        )


def render_front_matter(pairs: Sequence[tuple[str, str]]) -> str:
    """A YAML front matter block; a value starting with a newline is a nested block."""
    lines = (f"{key}:{'' if value.startswith(chr(10)) else ' '}{value}\n" for key, value in pairs)
    return "---\n" + "".join(lines) + "---\n"


def slugify(text: str) -> str:
    """ASCII, lower case, hyphens; at most 60 characters, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug


def french_day(day: dt.date) -> str:
    """`mardi 14 mars 2023`."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def generate(count: int, seed: int = SEED) -> list[Postmortem]:
    """The first `count` postmortems of the corpus; names are unique."""
    taken: set[str] = set()
    result = []
    for index in range(count):
        item = generate_one(Random(f"{seed}-{index}"))
        name, suffix = item.name, 2
        while name in taken:
            name, suffix = f"{item.name}-{suffix}", suffix + 1
        taken.add(name)
        if name != item.name:
            item = rename(item, name)
        result.append(item)
    return result


def rename(item: Postmortem, name: str) -> Postmortem:
    """The same postmortem under another file name (its asset folder follows)."""
    old = f"{item.name}/"
    return Postmortem(
        name,
        item.title,
        item.date,
        item.front_matter,
        item.summary,
        item.body.replace(f"]({old}", f"]({name}/").replace(f"data: {old}", f"data: {name}/"),
        tuple((f"{name}/{path.removeprefix(old)}", text) for path, text in item.assets),
    )


def generate_one(rng: Random) -> Postmortem:
    """One postmortem, sized between MIN_BYTES and MAX_BYTES."""
    target = int(rng.triangular(MIN_BYTES, MAX_BYTES, MODE_BYTES))
    kind = rng.choice(KINDS)
    service, other = rng.sample(SERVICES, 2)
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    utc = rng.random() < 0.1
    zone = ZoneInfo("UTC" if utc else "Europe/Paris")
    authors = [
        f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 3))
    ]
    authors = list(dict.fromkeys(authors))
    people = [a.split()[0] for a in authors] + rng.sample(FIRST_NAMES, 2)
    headline = rng.choice(kind.titles).format(service=service)
    title = f"{headline} le {day.day} {MONTHS[day.month - 1]} {day.year}"
    name = f"{day:%Y-%m-%d}-{slugify(headline)}"
    slots = Slots(
        rng,
        {
            "service": service,
            "other": other,
            "symptom": kind.symptom.format(service=service),
            "cause": kind.cause.format(service=service),
            "fix": kind.fix.format(service=service),
            "error": kind.error,
            "guess": kind.guess,
            "people": ",".join(dict.fromkeys(people)),
            "day": f"{day:%Y-%m-%d}",
            "month_before": MONTHS[(day.month - 1 - rng.randint(1, 6)) % 12],
        },
    )
    scale = (target - MIN_BYTES) / (MAX_BYTES - MIN_BYTES)
    events = timeline(rng, slots, day, zone, 5 + round(scale * 5) + rng.randint(0, 1))
    started, detected, mitigated, resolved = milestones(events)
    slots.update(
        when=french_day(day),
        start=f"{started:%H:%M}",
        detected=f"{detected:%H:%M}",
        mitigated=f"{mitigated:%H:%M}" + ("" if mitigated.date() == day else " le lendemain"),
    )
    severity = rng.choices(("SEV1", "SEV2", "SEV3", "SEV4"), (1, 3, 4, 2))[0]
    tags = list(dict.fromkeys([*kind.tags, rng.choice(GENERIC_TAGS)]))
    front = (
        ("title", f'"{title}"'),
        ("date", f"{day:%Y-%m-%d}"),
        ("lang", "fr"),
        ("severity", severity),
        ("services", f"[{service}, {other}]"),
        ("tags", f"[{', '.join(tags)}]"),
        ("authors", f"[{', '.join(authors)}]"),
        ("timezone", "UTC" if utc else "Europe/Paris"),
        ("started_at", started.isoformat()),
        ("detected_at", detected.isoformat()),
        ("mitigated_at", mitigated.isoformat()),
        ("resolved_at", resolved.isoformat()),
    )
    chart = rng.random() < CHART_SHARE
    parts = Parts(
        context=[],
        impact=[],
        events=events,
        lessons=[],
        factors=[slots.fill(f) for f in rng.sample(FACTORS, 2 + round(scale))],
        analysis=[],
        table=table(rng, slots, kind),
        code=code_block(rng, slots),
        image=f"![{kind.metric[2]} de {service} pendant l'incident : la courbe s'écarte de la "
        f"normale à {slots['start']} et y revient à {mitigated:%H:%M}]({name}/graphique.svg)",
        chart=chart_block(name, kind, slots) if chart else "",
        actions=actions(rng, slots, day, 3 + round(scale * 2)),
    )
    summary = slots.fill(rng.choice(SUMMARIES))
    head = len(render_front_matter(front).encode()) + len(summary.encode()) + 20
    grow(rng, slots, parts, target - head, MIN_BYTES - head)
    assets = [(f"{name}/graphique.svg", svg(rng, f"{kind.metric[2]} de {service}"))]
    if chart:
        assets.append((f"{name}/mesures.csv", csv_rows(rng, started, kind)))
    return Postmortem(name, title, day, front, summary, parts.render(), tuple(assets))


@dataclass(slots=True)
class Parts:
    """The body, section by section, while it grows towards its target size."""

    context: list[str]
    impact: list[str]
    events: list[tuple[dt.datetime, str]]
    lessons: list[str]
    factors: list[str]
    analysis: list[str]
    table: str
    code: str
    image: str
    chart: str
    actions: list[str]

    def render(self) -> str:
        """The Markdown after `<!-- more -->`."""
        out = ["", "## Contexte", "", "\n\n".join(self.context), ""]
        if self.impact:
            out += ["## Impact", "", "\n".join(f"* {line}" for line in self.impact), ""]
        out += ["## Chronologie", ""]
        current = None
        for moment, text in self.events:
            if moment.date() != current:
                if current is not None:
                    out.append("")
                current = moment.date()
                out += [f"### {current:%Y-%m-%d}", ""]
            out.append(f"* {moment:%H:%M} — {text}")
        out += ["", "## Enseignements", "", "\n\n".join(self.lessons), ""]
        out += ["## Analyse", "", "Plusieurs facteurs se sont combinés :", ""]
        out += [f"{i}. {factor}" for i, factor in enumerate(self.factors, start=1)]
        out += ["", self.table, "", self.code, "", self.image, ""]
        if self.chart:
            out += [self.chart, ""]
        if self.analysis:
            out += ["\n\n".join(self.analysis), ""]
        out += ["## Travaux restants", "", *self.actions]
        return "\n".join(out) + "\n"


def grow(rng: Random, slots: Slots, parts: Parts, budget: int, floor: int) -> None:
    """Add paragraphs and list items until the body is over `floor` bytes and near `budget`."""
    pools = [
        (parts.context, rng.sample(CONTEXT, len(CONTEXT))),
        (parts.lessons, rng.sample(LESSONS, len(LESSONS))),
        (parts.analysis, rng.sample(ANALYSIS, len(ANALYSIS))),
        (parts.impact, rng.sample(IMPACT, len(IMPACT))),
    ]
    for into, templates in pools[:2]:  # Contexte and Enseignements are never empty
        into.append(slots.fill(templates.pop()))
    while pools:
        into, templates = chosen = rng.choice(pools)
        into.append(slots.fill(templates.pop()))
        size = len(parts.render().encode())
        if size > budget and size - len(into[-1].encode()) >= floor:
            into.pop()
            templates.clear()
        if not templates:
            pools.remove(chosen)


def timeline(
    rng: Random, slots: Slots, day: dt.date, zone: ZoneInfo, count: int
) -> list[tuple[dt.datetime, str]]:
    """Timed entries in order, over one to three days."""
    plan = ["start", "detect"]
    plan += ["search"] * max(1, count - 6) + ["found", "mitigate", "after"]
    plan = plan[:count] if count < len(plan) else plan
    if "mitigate" not in plan:
        plan[-1] = "mitigate"
    slow = rng.random() < 0.3
    moment = dt.datetime.combine(day, dt.time(rng.randint(6, 18), rng.randrange(0, 60, 1)), zone)
    events = []
    used: set[str] = set()
    for phase in plan:
        options = [t for t in TIMELINE[phase] if t not in used] or list(TIMELINE[phase])
        template = rng.choice(options)
        used.add(template)
        events.append((moment, slots.fill(template)))
        moment += dt.timedelta(minutes=rng.randint(3, 35))
    if slow:
        moment = dt.datetime.combine(
            day + dt.timedelta(days=rng.randint(1, 2)), dt.time(rng.randint(9, 16), 0), zone
        )
    events.append((moment, slots.fill(rng.choice(TIMELINE["resolve"]))))
    return [(m.astimezone(zone), text) for m, text in events]


def milestones(events: list[tuple[dt.datetime, str]]) -> tuple[dt.datetime, ...]:
    """started, detected, mitigated and resolved, read from the timeline."""
    started = events[0][0]
    detected = events[1][0]
    mitigated = next(m for m, text in events if "normale" in text or "est en place" in text)
    return started, detected, mitigated, events[-1][0]


def table(rng: Random, slots: Slots, kind: Kind) -> str:
    """A small before / during / after table."""
    _, unit, label = kind.metric
    rows = ["| Indicateur | Avant | Pendant | Après |", "|---|---:|---:|---:|"]
    for what in rng.sample((label, "Erreurs par minute", "Requêtes par seconde", "Instances"), 3):
        suffix = f" {unit}" if what == label and unit else ""
        top = 100 if what == label and unit == "%" else 5000
        low, high = rng.randint(0, 9), rng.randint(top // 5, top)
        rows.append(
            f"| {what} | {low}{suffix} | {high}{suffix} | {low + rng.randint(0, 9)}{suffix} |"
        )
    rows.append(f"| Service touché | — | `{slots['service']}` | — |")
    return "\n".join(rows)


def code_block(rng: Random, slots: Slots) -> str:
    """A fenced block: logs, a command, a configuration excerpt or a query."""
    language, template = rng.choice(CODE_BLOCKS)
    return f"```{language}\n{slots.fill(template)}\n```"


def chart_block(name: str, kind: Kind, slots: Slots) -> str:
    """A ```chart block over the CSV file written beside the postmortem."""
    column, unit, label = kind.metric
    lines = [
        "```chart",
        "type: line",
        f"title: {label} de {slots['service']}",
        f"data: {name}/mesures.csv",
        "x: heure",
        f"y: [{column}, {column}_reference]",
    ]
    if unit:
        lines.append(f'unit: "{unit}"')
    lines += ["markers: [detected, mitigated]", "```"]
    return "\n".join(lines) + f"\n\nLes mesures brutes sont dans [mesures.csv]({name}/mesures.csv)."


def csv_rows(rng: Random, started: dt.datetime, kind: Kind) -> str:
    """About 100 rows every 5 minutes around the start of the incident."""
    column = kind.metric[0]
    rows = [f"heure,{column},{column}_reference"]
    moment = started - dt.timedelta(hours=2)
    base = rng.randint(20, 400)
    for step in range(rng.randint(95, 105)):
        bad = 24 <= step < 24 + rng.randint(10, 30)
        value = base * (rng.uniform(3, 8) if bad else rng.uniform(0.8, 1.2))
        rows.append(f"{moment.isoformat()},{value:.0f},{base}")
        moment += dt.timedelta(minutes=5)
    return "\n".join(rows) + "\n"


def svg(rng: Random, label: str) -> str:
    """A small line graph, as teams paste from their dashboards."""
    points = []
    for i in range(48):
        bump = 120 if 18 <= i < 18 + rng.randint(6, 14) else 0
        points.append(f"{50 + i * 8.5:.1f},{190 - rng.randint(10, 40) - bump}")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="230" '
        'viewBox="0 0 480 230" role="img" aria-labelledby="titre">\n'
        f'  <title id="titre">{label}</title>\n'
        '  <rect width="480" height="230" fill="#ffffff"/>\n'
        '  <g stroke="#cccccc" stroke-width="1">\n'
        + "".join(f'    <line x1="50" y1="{y}" x2="460" y2="{y}"/>\n' for y in (50, 110, 170))
        + "  </g>\n"
        f'  <polyline fill="none" stroke="#c0392b" stroke-width="2" points="{" ".join(points)}"/>\n'
        "</svg>\n"
    )


def actions(rng: Random, slots: Slots, day: dt.date, count: int) -> list[str]:
    """Task list items: some done, the open ones with an owner and a due date."""
    people = slots["people"].split(",")
    items = []
    for index, template in enumerate(rng.sample(ACTIONS, count)):
        owner = slugify(rng.choice(people))
        text = slots.fill(template)
        if index == 0 or rng.random() < 0.25:
            items.append(f"* [x] {text} @{owner}")
        else:
            due = day + dt.timedelta(days=rng.randint(7, 60))
            items.append(f"* [ ] {text} @{owner} échéance : {due:%Y-%m-%d}")
    if rng.random() < 0.4:
        items.append(
            f"* Revoir ce point lors de la prochaine revue trimestrielle de {slots['service']} "
            f"(responsable : {rng.choice(people)})."
        )
    return items


def write_pmgen(root: Path, items: Sequence[Postmortem]) -> None:
    """`root/postmortems/` plus a `pmgen.toml` that leaves search out (like-for-like)."""
    content = root / "postmortems"
    for item in items:
        write_postmortem(content, item, item.markdown)
    (root / "pmgen.toml").write_text(
        'title = "Postmortems"\nsearch = false\n', encoding="utf-8", newline="\n"
    )


def write_postmortem(folder: Path, item: Postmortem, text: str, name: str | None = None) -> None:
    """The Markdown file (under `name`, default its own) and its assets beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name or item.name}.md").write_text(text, encoding="utf-8", newline="\n")
    for relative, data in item.assets:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data, encoding="utf-8", newline="\n")


MKDOCS_YML = """\
site_name: Postmortems
use_directory_urls: true
theme:
  name: mkdocs
plugins: []
nav:
  - Accueil: index.md
"""


def write_mkdocs(root: Path, items: Sequence[Postmortem]) -> None:
    """An MkDocs project: default theme, no plugins, an index page listing every postmortem."""
    docs = root / "docs"
    for item in items:
        write_postmortem(docs, item, item.markdown)
    listing = ["# Postmortems", ""]
    for item in sorted(items, key=lambda i: (i.date, i.name), reverse=True):
        listing += [f"## [{item.title}]({item.name}.md)", "", f"{item.date:%Y-%m-%d}", ""]
        listing += [item.summary, ""]
    (docs / "index.md").write_text("\n".join(listing), encoding="utf-8", newline="\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8", newline="\n")


HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "fr"
defaultContentLanguage = "fr"
title = "Postmortems"
disableKinds = ["taxonomy", "term", "section", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_BASEOF = """\
<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
"""
HUGO_HOME = """\
{{ define "main" }}<h1>{{ .Site.Title }}</h1>
{{ range .Site.RegularPages.ByDate.Reverse }}<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "2006-01-02" }}</time>
{{ .Summary }}
</article>
{{ end }}{{ end }}
"""
HUGO_SINGLE = """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time> · {{ .Params.severity }}</p>
{{ .Content }}
</article>{{ end }}
"""


def hugo_markdown(item: Postmortem) -> str:
    """The same Markdown with Hugo's front matter: our own keys move under `params`."""
    own = {"title", "date", "tags"}
    pairs = [(key, value) for key, value in item.front_matter if key in own]
    params = "".join(f"\n  {key}: {value}" for key, value in item.front_matter if key not in own)
    return render_front_matter([*pairs, ("params", params)]) + (
        f"\n{item.summary}\n\n<!-- more -->\n{item.body}"
    )


def write_hugo(root: Path, items: Sequence[Postmortem]) -> None:
    """A Hugo site: one leaf bundle per postmortem, minimal layouts, no theme."""
    posts = root / "content" / "posts"
    for item in items:
        write_postmortem(posts / item.name, item, hugo_markdown(item), name="index")
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8", newline="\n")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8", newline="\n")
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8", newline="\n")
    (root / "layouts" / "index.html").write_text(HUGO_HOME, encoding="utf-8", newline="\n")


WRITERS: dict[str, Callable[[Path, Sequence[Postmortem]], None]] = {
    "pmgen": write_pmgen,
    "mkdocs": write_mkdocs,
    "hugo": write_hugo,
}


def sizes(items: Sequence[Postmortem]) -> Iterator[int]:
    """The size in bytes of each Markdown file."""
    return (len(item.markdown.encode()) for item in items)


def main(argv: Sequence[str] | None = None) -> int:
    """Write a corpus of N postmortems into OUT_DIR in the chosen layout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to create (must not exist or be empty)")
    parser.add_argument("count", type=int, help="number of postmortems")
    parser.add_argument("--format", choices=sorted(WRITERS), default="pmgen")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    items = generate(args.count, args.seed)
    try:
        WRITERS[args.format](args.out, items)
    except BaseException:
        shutil.rmtree(args.out, ignore_errors=True)
        raise
    found = sorted(sizes(items))
    print(
        f"{len(items)} postmortems ({args.format}) in {args.out}: {min(found)}–{max(found)} "
        f"bytes, median {statistics.median(found):.0f}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
