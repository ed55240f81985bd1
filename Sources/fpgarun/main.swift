import FPGARunCLI

FPGARun.runAsMain()
