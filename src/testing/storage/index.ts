export {
  type StorageStandIn,
  type StorageStandInObject,
  type StorageStandInOptions,
  startStorageStandIn,
} from './stand-in.js';
