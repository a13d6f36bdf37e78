#pragma once
// argv and environment in the form execvpe wants, built before fork: after fork only
// async-signal-safe calls are allowed, so nothing may be allocated there.

#include <map>
#include <string>
#include <vector>

namespace gatehouse::tools {

struct ExecArgs {
  // `args` must outlive this (argv points into it); the environment is this process's with
  // `env` added or replacing entries of the same name.
  ExecArgs(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

}  // namespace gatehouse::tools
