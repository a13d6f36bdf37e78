# Warnings for our own targets only; third-party headers come in as SYSTEM includes.
add_library(gatehouse_warnings INTERFACE)
add_library(gatehouse::warnings ALIAS gatehouse_warnings)
target_compile_options(gatehouse_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wold-style-cast -Wnon-virtual-dtor
  $<$<BOOL:${GATEHOUSE_WERROR}>:-Werror>)
target_compile_definitions(gatehouse_warnings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
