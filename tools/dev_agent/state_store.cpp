#include "tools/dev_agent/state_store.hpp"

#include <algorithm>

namespace gatehouse::tools {

std::uint64_t StateStore::touch(Table table) {
  const auto index = next_index();
  tables_[static_cast<std::size_t>(table)] = index;
  notifier_.notify();
  return index;
}

std::uint64_t StateStore::max_index(std::initializer_list<Table> tables) const {
  std::uint64_t m = 0;
  for (auto t : tables) m = std::max(m, index(t));
  return m;
}

}  // namespace gatehouse::tools
