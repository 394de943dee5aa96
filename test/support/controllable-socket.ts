export { TestSocket as ControllableSocket, type TestSocketOptions as ControllableSocketOptions, type CloseCall, type CloseInit, type ReadyState } from "../../src/testing/index.js";
