import PruneCrypto
import PruneCompression
import PruneLP
print(OpenSSLLibrary.version, ZlibLibrary.version, ClpLibrary.version)
