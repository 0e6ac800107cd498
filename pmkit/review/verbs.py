"""Action verbs of software requirements, in their base form: the lexicon of the stories' atomicity test.

A user story is not atomic when two conjuncts of its means each hold a verb phrase ("export the
report and email it"), the test the QUS paper's AQUSA tool applies with a part-of-speech tagger.
pmkit has no tagger (no model to download, nothing heavy to install), so it asks this list whether
a conjunct starts with a verb. The list is the course's own: the actions that real backlogs ask for.
"""

from __future__ import annotations

VERBS = frozenset("""
access add allow analyse analyze annotate answer apply approve archive ask assign attach audit
authenticate back backup ban bill block book bookmark browse buy calculate call cancel categorise
categorize change chat check choose cite claim clear click close collapse collect comment compare
complete configure confirm connect contact continue convert copy correct create crop customise
customize deactivate decide define delete deliver deploy describe deselect disable discover discuss
dismiss display download drag draw drop duplicate edit email embed enable end enter estimate evaluate
exclude expand explore export fetch fill filter find finish fix flag follow forward generate get give
go grant group help hide highlight import include indent inspect install integrate invite invoice join
keep label launch leave like limit link list load lock log login logout make manage map mark merge
message migrate modify monitor move mute name navigate notify open order organise organize outdent
pause pay pick pin plan play post preview print prioritise prioritize publish purchase put rank rate
read receive record redo refresh refund register reject reload remind remove rename renew reopen reorder
reply report request reschedule reserve reset resize resolve respond restore resume retrieve return
reuse revert review revoke rotate run save scan schedule search see select sell send set share ship
show sign skip snooze sort specify split star start stop store submit subscribe suggest suspend switch
sync tag take test text toggle track transfer translate turn type undo unlock unmute unpin unsubscribe
update upgrade upload use validate verify view visit vote watch withdraw write zoom
achieve adjust arrange avoid change communicate deal determine ensure facilitate handle identify improve maintain
accept decline deny dispute escalate hire invite
volunteer donate prepare assemble compose inform recognise recognize skew upgrade
have obtain perform prevent provide rearrange receive reduce remember reuse search stay support trace version
""".split())
