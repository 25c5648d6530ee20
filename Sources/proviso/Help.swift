enum Help {
  static let text = """
    usage: proviso <command> [options]

      check PATH...                    load and check policies (exit 0 ok, 1 warnings with --strict, 65 errors)
            [--format text|json] [--strict]
      test PATH... [--junit FILE]      run the policies' own tests and report coverage
      run POLICY --input FILE|-        dry-run over JSON / JSONL / CSV; one result per record, then a summary
            [--now TS] [--format jsonl|csv|table|none] [--explain]
      diff OLD.yaml NEW.yaml --input FILE [--now TS] [--examples N]
      eval 'EXPR' [--var name=JSON]... [--type name=TYPE]...
      eval --cases FILE.jsonl          conformance-style cases, one JSON result per line
      score MODEL --input FILE.csv     score a tree-ensemble model over a CSV (headers = feature names)
            [--format csv|jsonl] [--threads N]
      serve POLICY_DIR                 the decision service (HTTP/JSON, hot reload, decision log)
            [--bind 127.0.0.1] [--port 8181] [--decision-log FILE.sqlite] [--tokens FILE]
            [--tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]
            [--threads N] [--retention-days N] [--retention-rows N] [--durability process-crash|power-loss]
      log --log FILE.sqlite            logged decisions as JSONL [--id ID] [--policy P] [--since TS] [--until TS]
      replay --log FILE.sqlite --policy NEW.yaml [--since TS]
                                       re-decide logged inputs with a new version: what would change

    check, test, run and serve take --allow-path DIR (repeatable): models and GeoJSON may come from DIR
    as well as from the policy's folder.
    """
}
