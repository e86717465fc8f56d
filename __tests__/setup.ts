import { Testing } from "cdktf";

// Adds toHaveResourceWithProperties, toBeValidTerraform and friends to expect().
Testing.setupJest();
