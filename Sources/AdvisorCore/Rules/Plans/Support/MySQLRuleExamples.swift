/// Plans several MySQL rules use as examples, kept once.
enum MySQLRuleExamples {
    /// MySQL 8 `EXPLAIN FORMAT=JSON` of a healthy lookup: an index returns what it reads.
    static let indexedLookup = """
        {
          "query_block": {
            "select_id": 1,
            "cost_info": {
              "query_cost": "1254.50"
            },
            "table": {
              "table_name": "orders",
              "access_type": "ref",
              "possible_keys": [
                "idx_orders_status"
              ],
              "key": "idx_orders_status",
              "used_key_parts": [
                "status"
              ],
              "key_length": "82",
              "ref": [
                "const"
              ],
              "rows_examined_per_scan": 1187,
              "rows_produced_per_join": 1187,
              "filtered": "100.00",
              "cost_info": {
                "read_cost": "1135.80",
                "eval_cost": "118.70",
                "prefix_cost": "1254.50",
                "data_read_per_join": "556K"
              },
              "used_columns": [
                "id",
                "customer_id",
                "status",
                "created_at"
              ]
            }
          }
        }
        """
}
