"""Role-play practice: the tool plays a customer, the student plays the agent.

`session.Session` is the engine (the CLI's `practice` command and a web chat page both drive it): personas are data in
``corpus/personas/`` or, for a shop added to one index, in ``<home>/personas/`` (`personas`; a default set made from a
shop's products by `derived`), each student reply is judged with the course's own detectors (`judge`), the customer
answers offline from the persona's lines (`customer`) or through a model that must stay in role (`llm_customer`,
`role_check`), and the end of a session gives a summary (`summary`) with a dialogue-level grade (`grade`).
"""
