import Foundation

/// One row a query returned: its values by column name, read as Swift values.
struct SQLRow: Sendable {
    /// Column name → position, shared by every row of one result.
    let columns: SQLColumns
    let values: [SQLValue]

    /// The column's value as `T`. A column the query has not, or a value that is not a `T` (NULL
    /// read as a non-optional), is a fault in the store's own SQL, not in what it holds: it stops
    /// the program, naming the column.
    subscript<T: SQLValueConvertible>(_ column: String) -> T {
        guard let index = columns.positions[column] else { preconditionFailure("the store's query has no column \(column)") }
        guard let value = T(sqlValue: values[index]) else { preconditionFailure("the store's column \(column) holds \(values[index]), not a \(T.self)") }
        return value
    }

    /// The value of the first column.
    var first: SQLValue { values.first ?? .null }
}

/// The column names of a result, in order, and each one's position.
final class SQLColumns: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
        self.positions = positions
    }
}
