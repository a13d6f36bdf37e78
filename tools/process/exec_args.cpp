#include "tools/process/exec_args.hpp"

#include <string_view>

extern char** environ;  // NOLINT: POSIX's name

namespace gatehouse::tools {

ExecArgs::ExecArgs(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env) {
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));  // NOLINT: exec's API
  argv.push_back(nullptr);
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry{*e};
    if (!env.contains(std::string{entry.substr(0, entry.find('='))})) {
      env_storage.emplace_back(entry);
    }
  }
  for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
}

}  // namespace gatehouse::tools
