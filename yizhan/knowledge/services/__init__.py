"""Knowledge services: every write of the app, and the statute engine behind search, the citation
check and triage.

* :mod:`.corpus` — import laws.db, keep each law's validity on today's date (run as the system);
* :mod:`.statutes` — the process-wide searcher, statute search, citation check, statute suggestions;
* :mod:`.guidance` — triage of a citizen's words with the legal-aid hint;
* :mod:`.cases` — the typical-case library: ``do_create_case`` … ``do_return_case``;
* :mod:`.faq` — FAQ entries: ``do_save_faq``, ``do_save_faq_citing``.

Writes by a person are ``do_<verb>_<noun>(…, *, actor)``. Reads (lists, look-ups, visibility) are in
:mod:`yizhan.knowledge.selectors`. The public names are re-exported here: callers write
``services.search(…)``, ``services.do_submit_case(case, actor=user)``."""

from yizhan.knowledge.services.cases import (
    anonymise,
    anonymise_case,
    cited_statutes,
    do_create_case,
    do_create_case_from_matter,
    do_edit_case,
    do_publish_case,
    do_return_case,
    do_submit_case,
)
from yizhan.knowledge.services.corpus import ImportResult, import_corpus, refresh_statuses
from yizhan.knowledge.services.faq import do_save_faq, do_save_faq_citing
from yizhan.knowledge.services.guidance import (
    TRIAGE_MIN_CHARS,
    guide,
    institution_label,
    legal_aid_facts,
    legal_aid_hint,
    triage,
)
from yizhan.knowledge.services.statutes import (
    MAX_K,
    MAX_QUERY,
    MAX_TEXT,
    OPEN_EMBED_LIMIT,
    articles_for_citations,
    check_citations,
    hit_dict,
    index_dir,
    laws_named,
    prepare_search,
    reset,
    search,
    searcher,
    suggest_statutes,
    triager,
    warm_search,
)

__all__ = [
    "MAX_K",
    "MAX_QUERY",
    "MAX_TEXT",
    "OPEN_EMBED_LIMIT",
    "TRIAGE_MIN_CHARS",
    "ImportResult",
    "anonymise",
    "anonymise_case",
    "articles_for_citations",
    "check_citations",
    "cited_statutes",
    "do_create_case",
    "do_create_case_from_matter",
    "do_edit_case",
    "do_publish_case",
    "do_return_case",
    "do_save_faq",
    "do_save_faq_citing",
    "do_submit_case",
    "guide",
    "hit_dict",
    "import_corpus",
    "index_dir",
    "institution_label",
    "laws_named",
    "legal_aid_facts",
    "legal_aid_hint",
    "prepare_search",
    "refresh_statuses",
    "reset",
    "search",
    "searcher",
    "suggest_statutes",
    "triage",
    "triager",
    "warm_search",
]
