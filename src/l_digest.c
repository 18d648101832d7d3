/* l_digest.c — core.sha256_file(path): the SHA-256 of an input, for the provenance of a
 * result (an officer can check that a report was made from the files they hold). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <nettle/sha2.h>

#include "input.h"
#include "l_admit.h"

/* core.sha256_file(path) -> hex digest, size in bytes | nil, msg */
static int l_sha256_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    if (input_is_stream(path)) {   /* read once already: its digest was kept then */
        char shex[65];
        uint64_t sbytes;
        if (input_stream_digest(path, shex, &sbytes) != 0)
            return admit_pushfail(L, lua_pushfstring(L, "%s: a stream not read yet (it can be "
                                                      "read only once)", input_name(path)));
        lua_pushstring(L, shex);
        lua_pushinteger(L, (lua_Integer)sbytes);
        return 2;
    }
    char khex[65];
    uint64_t kbytes;
    if (input_file_digest(path, khex, &kbytes) == 0) {   /* hashed while loading, unchanged since */
        lua_pushstring(L, khex);
        lua_pushinteger(L, (lua_Integer)kbytes);
        return 2;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) return admit_pushfail(L, lua_pushfstring(L, "%s: %s", path, strerror(errno)));
    struct sha256_ctx sha;
    sha256_init(&sha);
    unsigned char buf[1 << 14];
    size_t n;
    lua_Integer size = 0;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        sha256_update(&sha, n, buf);
        size += (lua_Integer)n;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) return admit_pushfail(L, lua_pushfstring(L, "%s: read error", path));
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&sha, SHA256_DIGEST_SIZE, digest);
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    lua_pushstring(L, hex);
    lua_pushinteger(L, size);
    return 2;
}

static const luaL_Reg digest_funcs[] = {
    { "sha256_file", l_sha256_file },
    { NULL, NULL }
};

void digest_open(lua_State *L)
{
    luaL_setfuncs(L, digest_funcs, 0);
}
