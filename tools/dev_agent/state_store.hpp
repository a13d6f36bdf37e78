#pragma once
// The dev agent's raft stand-in: one monotonically increasing index shared by every table (as
// Consul's raft log), the last index that changed each table, the named entries Consul keeps in
// its index table next to the tables (`service.<name>`, `node.<name>`, `service_last_extinction`;
// agent/consul/state/catalog_ce.go), and the notifier that wakes blocking queries. The tables
// themselves (catalog, intentions, CA) live in their own classes and record every write here.
//
// Named entries also stand in for go-memdb's watch channels: a blocked query remembers the values
// of the keys it watches and wakes only when one of them moves (see view_query.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tools/dev_agent/change_notifier.hpp"

namespace gatehouse::tools {

enum class Table : std::size_t {
  kCaRoots,        // roots and CA configuration
  kLeafCerts,      // issued leaves (each signing takes a fresh index)
  kConfigEntries,  // service-intentions and service-defaults
  kNodes,
  kServices,
  kChecks,
  kCount,
};

// What one write changed: the tables, the named entries set to the write's index, and the named
// entries it deleted (Consul drops `service.<name>` with the last instance of a service).
struct StoreWrite {
  std::uint64_t index = 0;
  std::set<Table> tables;
  std::set<std::string, std::less<>> keys;
  std::set<std::string, std::less<>> erased;

  bool empty() const { return tables.empty() && keys.empty() && erased.empty(); }
};

class StateStore {
 public:
  // Allocates a fresh raft index, marks `table` as changed at it, and wakes blocked queries.
  std::uint64_t touch(Table table);
  // Allocates a fresh index without changing a table (e.g. a leaf re-signed on demand).
  std::uint64_t next_index() { return ++raft_index_; }
  // A write taking the next raft index; nothing is recorded until commit().
  StoreWrite begin() {
    StoreWrite w;
    w.index = next_index();
    return w;
  }
  // Records `write` (erasures after sets) and wakes blocked queries; an empty write does nothing.
  void commit(const StoreWrite& write);

  std::uint64_t index(Table table) const { return tables_[static_cast<std::size_t>(table)]; }
  std::uint64_t max_index(std::initializer_list<Table> tables) const;
  // A named entry's index; nullopt when it was never set or has been erased.
  std::optional<std::uint64_t> key_index(std::string_view key) const;
  // The current values of `keys` (0 for absent ones), compared by blocked queries.
  std::vector<std::uint64_t> key_values(const std::vector<std::string>& keys) const;

  ChangeNotifier& notifier() { return notifier_; }

 private:
  std::uint64_t raft_index_ = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(Table::kCount)> tables_{};
  std::map<std::string, std::uint64_t, std::less<>> keys_;
  ChangeNotifier notifier_;
};

}  // namespace gatehouse::tools
