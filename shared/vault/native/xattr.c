// Extended attributes for the vault (D-55): Node.js has no API for them. A Node-API addon, so one
// build serves every Node.js version and every worker thread (Node-API addons are context-aware).
//
//   list(target)               undefined when the entry has none (one listxattr call), the errno of
//                              a failed listxattr, or [name, value | errno, name, value | errno, …]
//   set(target, name, value)   0, or the errno of a failed setxattr
//
// `target` is an open descriptor (f*xattr) or a path, which is never followed (l*xattr).
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

// Linux's limits (XATTR_LIST_MAX, XATTR_SIZE_MAX): listxattr and getxattr never need more.
#define NAMES_BYTES 65536
#define VALUE_BYTES 65536

// Per Node-API environment (the main thread and each worker have their own), so threads share nothing.
typedef struct {
  char names[NAMES_BYTES];
  char value[VALUE_BYTES];
} Buffers;

typedef struct {
  int fd;
  char path[4096];
} Target;

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return NULL;                                                            \
  } while (0)

static void free_buffers(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static int read_target(napi_env env, napi_value value, Target *target) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type == napi_number) {
    target->fd = -1;
    return napi_get_value_int32(env, value, &target->fd) == napi_ok && target->fd >= 0;
  }
  size_t length;
  target->fd = -1;
  if (type != napi_string ||
      napi_get_value_string_utf8(env, value, target->path, sizeof target->path, &length) != napi_ok) {
    return 0;
  }
  return length < sizeof target->path - 1;
}

static ssize_t list_names(const Target *t, char *names, size_t size) {
  return t->fd >= 0 ? flistxattr(t->fd, names, size) : llistxattr(t->path, names, size);
}

static ssize_t get_value(const Target *t, const char *name, void *value, size_t size) {
  return t->fd >= 0 ? fgetxattr(t->fd, name, value, size) : lgetxattr(t->path, name, value, size);
}

static int set_value(const Target *t, const char *name, const void *value, size_t size) {
  return t->fd >= 0 ? fsetxattr(t->fd, name, value, size, 0) : lsetxattr(t->path, name, value, size, 0);
}

static napi_value throw_usage(napi_env env) {
  napi_throw_type_error(env, NULL, "xattr: expected a descriptor or path");
  return NULL;
}

static napi_value list(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Target target;
  if (argc < 1 || !read_target(env, argv[0], &target)) return throw_usage(env);
  Buffers *buffers;
  CHECK(napi_get_instance_data(env, (void **)&buffers));

  napi_value result;
  ssize_t length = list_names(&target, buffers->names, NAMES_BYTES);
  if (length == 0) {
    CHECK(napi_get_undefined(env, &result));
    return result;
  }
  if (length < 0) {
    CHECK(napi_create_int32(env, errno, &result));
    return result;
  }
  CHECK(napi_create_array(env, &result));
  uint32_t slot = 0;
  for (const char *name = buffers->names; name < buffers->names + length; name += strlen(name) + 1) {
    napi_value js_name, js_value;
    CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &js_name));
    ssize_t size = get_value(&target, name, buffers->value, VALUE_BYTES);
    if (size >= 0) {
      void *copy;
      CHECK(napi_create_buffer_copy(env, (size_t)size, buffers->value, &copy, &js_value));
    } else {
      CHECK(napi_create_int32(env, errno, &js_value));
    }
    CHECK(napi_set_element(env, result, slot++, js_name));
    CHECK(napi_set_element(env, result, slot++, js_value));
  }
  return result;
}

static napi_value set(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Target target;
  if (argc < 3 || !read_target(env, argv[0], &target)) return throw_usage(env);
  // XATTR_NAME_MAX is 255: one byte more tells a longer name from one cut to fit.
  char name[257];
  size_t name_length;
  void *value;
  size_t value_length;
  if (napi_get_value_string_utf8(env, argv[1], name, sizeof name, &name_length) != napi_ok ||
      napi_get_buffer_info(env, argv[2], &value, &value_length) != napi_ok) {
    napi_throw_type_error(env, NULL, "xattr: set(target, name, buffer)");
    return NULL;
  }
  napi_value result;
  if (name_length > 255) {
    CHECK(napi_create_int32(env, ERANGE, &result));
    return result;
  }
  int failed = set_value(&target, name, value, value_length) != 0;
  CHECK(napi_create_int32(env, failed ? errno : 0, &result));
  return result;
}

NAPI_MODULE_INIT() {
  Buffers *buffers = malloc(sizeof(Buffers));
  if (buffers == NULL || napi_set_instance_data(env, buffers, free_buffers, NULL) != napi_ok) {
    free(buffers);
    napi_throw_error(env, NULL, "xattr: out of memory");
    return NULL;
  }
  napi_property_descriptor functions[] = {
      {"list", NULL, list, NULL, NULL, NULL, napi_enumerable, NULL},
      {"set", NULL, set, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, 2, functions));
  return exports;
}
