extension PlanNode {
    /// The node as the engine's own text format names it: "Parallel Seq Scan on public.orders o",
    /// "Index Scan using orders_pkey on orders", "Hash Left Join", "Index lookup on t using k".
    public func displayName(engine: Engine) -> String {
        var name = nodeType
        if isParallelAware, !name.hasPrefix("Parallel ") { name = "Parallel " + name }
        if let joinType, joinType != "Inner", [.hashJoin, .mergeJoin, .nestedLoop].contains(operation),
            engine == .postgres
        {
            name =
                operation == .nestedLoop
                ? "\(name) \(joinType) Join"
                : name.replacingFirst(" Join", with: " \(joinType) Join")
        }
        let qualified = [schema, relation].compactMap { $0 }.joined(separator: ".")
        let target = qualified.isEmpty ? (cteName ?? functionName) : qualified
        let aliasSuffix = alias.map { $0 == relation ? "" : " \($0)" } ?? ""
        if engine == .postgres {
            if operation == .bitmapIndexScan, let index { return "\(name) on \(index)" }
            if [.indexScan, .indexOnlyScan].contains(operation) {
                if strategy == "Backward", !name.hasSuffix(" Backward") { name += " Backward" }
                if let index { name += " using \(index)" }
            }
            if let target { name += " on \(target)\(aliasSuffix)" }
        } else {
            if let target { name += " on \(target)\(aliasSuffix)" }
            if let index, operation != .seqScan { name += " using \(index)" }
        }
        return name
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
