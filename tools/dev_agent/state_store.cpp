#include "tools/dev_agent/state_store.hpp"

#include <algorithm>

namespace gatehouse::tools {

std::uint64_t StateStore::touch(Table table) {
  const auto index = next_index();
  tables_[static_cast<std::size_t>(table)] = index;
  notifier_.notify();
  return index;
}

void StateStore::commit(const StoreWrite& write) {
  if (write.empty()) return;
  for (auto t : write.tables) tables_[static_cast<std::size_t>(t)] = write.index;
  for (const auto& k : write.keys) keys_.insert_or_assign(k, write.index);
  for (const auto& k : write.erased) {
    if (auto it = keys_.find(k); it != keys_.end()) keys_.erase(it);
  }
  notifier_.notify();
}

std::uint64_t StateStore::max_index(std::initializer_list<Table> tables) const {
  std::uint64_t m = 0;
  for (auto t : tables) m = std::max(m, index(t));
  return m;
}

std::optional<std::uint64_t> StateStore::key_index(std::string_view key) const {
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::uint64_t> StateStore::key_values(const std::vector<std::string>& keys) const {
  std::vector<std::uint64_t> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back(key_index(k).value_or(0));
  return out;
}

}  // namespace gatehouse::tools
