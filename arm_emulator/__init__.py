"""A local HTTPS stand-in for the parts of Azure Resource Manager and Azure AD that aksext talks to.

Start it with ``python -m arm_emulator --data-dir DIR``; drive it from Python with
:mod:`arm_emulator.harness.control` and connect the real ``az`` to it with :mod:`arm_emulator.harness.azcli`.
The parts, folder by folder, are in README.md beside this file.
"""
