"""A local HTTPS stand-in for the parts of Azure Resource Manager and Azure AD that aksext talks to.

Start it with ``python -m arm_emulator --data-dir DIR``; drive it from Python with :mod:`arm_emulator.control`
and connect the real ``az`` to it with :mod:`arm_emulator.azcli`.
"""
