// MARK: - Start-up log

extension AppConfig {
  /// The configuration as logged in the `start` event.
  public var json: JSONValue {
    .object([
      "listen": .string(listen.description),
      "workers": .int(workers),
      "backlog": .int(backlog),
      "basePath": .string(basePath),
      "image": .string(image),
      "stressMaxSeconds": .int(stressMaxSeconds),
    ])
  }
}
