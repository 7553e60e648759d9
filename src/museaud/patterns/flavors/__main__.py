"""`python -m museaud.patterns.flavors --markdown`: print docs/rhythms.md."""

from museaud.patterns.flavors.markdown import main

raise SystemExit(main())
