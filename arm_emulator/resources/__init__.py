"""The ARM resource families the emulator serves, one module (or folder) per family."""
