#pragma once
// The dev agent's raft stand-in: one monotonically increasing index shared by every table (as
// Consul's raft log), the last index that changed each table, and the notifier that wakes
// blocking queries. The tables themselves (catalog, intentions, CA) live in their own classes
// and call touch() on every write.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "tools/dev_agent/change_notifier.hpp"

namespace gatehouse::tools {

enum class Table : std::size_t {
  kCaRoots,        // roots and CA configuration
  kLeafCerts,      // issued leaves (each signing takes a fresh index)
  kConfigEntries,  // service-intentions and service-defaults
  kServices,
  kChecks,
  kCount,
};

class StateStore {
 public:
  // Allocates a fresh raft index, marks `table` as changed at it, and wakes blocked queries.
  std::uint64_t touch(Table table);
  // Allocates a fresh index without changing a table (e.g. a leaf re-signed on demand).
  std::uint64_t next_index() { return ++raft_index_; }

  std::uint64_t index(Table table) const { return tables_[static_cast<std::size_t>(table)]; }
  std::uint64_t max_index(std::initializer_list<Table> tables) const;

  ChangeNotifier& notifier() { return notifier_; }

 private:
  std::uint64_t raft_index_ = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(Table::kCount)> tables_{};
  ChangeNotifier notifier_;
};

}  // namespace gatehouse::tools
