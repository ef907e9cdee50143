// recovery.hpp — after a run that stopped part-way: whether the statement in doubt took effect, told
// from the catalog where the statement's shape says what to look for.
#pragma once

#include <retort/sdk/schema.hpp>

#include <string>

namespace retort {

enum class effect { took, did_not, unknown };

/// Whether `sql` took effect in the database `now` describes (as `connection::introspect` gives
/// it): a table, column, index or constraint it creates that exists, or one it drops that is gone.
/// `unknown` for statements the catalog cannot answer for (data changes, types, functions).
effect probe(const std::string& sql, const sdk::schema& now);

/// "did take effect", "did not take effect", "may or may not have taken effect".
const char* describe(effect e);

/// For `CREATE INDEX CONCURRENTLY name`: the statement that removes what a build killed part-way
/// leaves behind (PostgreSQL keeps an invalid index under the name), so the statement can run
/// again; empty for any other statement.
std::string leftover_cleanup(const std::string& sql);

}  // namespace retort
