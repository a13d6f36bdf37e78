# GATEHOUSE_SANITIZE=address,undefined adds the sanitizers to every target (ours and the Asio unit).
if(GATEHOUSE_SANITIZE)
  add_compile_options(-fsanitize=${GATEHOUSE_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${GATEHOUSE_SANITIZE})
endif()
