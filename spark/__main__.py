from spark.cli import main

raise SystemExit(main())
