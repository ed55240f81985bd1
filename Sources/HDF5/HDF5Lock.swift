import CHDF5

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one lock every libhdf5 call in this module runs under.
///
/// Debian's libhdf5 is the serial (non-thread-safe) build: two threads inside the library at once
/// corrupt its global state. The mutex is recursive so that a handle released while the lock is
/// held (its `deinit` closes the file) cannot deadlock.
enum HDF5Library {
    // A C mutex never moves once allocated; it is the synchronisation, so nothing guards it.
    nonisolated(unsafe) private static let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        return mutex
    }()

    /// Initialises libhdf5 if that has not been done yet (once per process; safe from any
    /// thread); a failure throws an error naming `file`, the file that needed it.
    static func load(for file: String) throws(HDF5Error) {
        if let reason = chdf5_load() {
            throw HDF5Error(.libraryUnavailable, file: file, String(cString: reason))
        }
    }

    /// Runs `body` holding the library lock, with HDF5's own error printing turned off.
    static func locked<T>(_ body: () throws(HDF5Error) -> T) throws(HDF5Error) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        // Repeated on every entry: in thread-safe builds the setting is per thread, and it is cheap.
        _ = chdf5_silence_errors()
        return try body()
    }

    /// Non-throwing variant of `locked`.
    static func lockedNonThrowing<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        _ = chdf5_silence_errors()
        return body()
    }

    /// Distinguishes in-memory images: HDF5 treats two open core-driver files with the same name
    /// as one file, so each image gets a unique internal name. Only touched under the lock.
    nonisolated(unsafe) static var imageCounter = 0
}
