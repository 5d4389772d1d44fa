"""The park's figures, defined once and computable as of any park day.

- ``history``: the state of every hazard and the enterprises as registered, as of the
  end of a park day, reconstructed from the event history (a selectable for aggregate SQL);
- ``definitions``: what "open", "overdue", "the office's backlog", "cleared to zero" and
  each rate mean, as SQL conditions over those columns and as Python for one hazard;
- ``statistics``: the regulators' statistics table (隐患排查治理情况统计表).

Every page, job and document that shows one of these figures uses these definitions.
"""
