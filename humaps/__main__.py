from humaps.cli import main

raise SystemExit(main())
